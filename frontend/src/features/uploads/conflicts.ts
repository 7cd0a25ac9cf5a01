// Name conflicts met while uploading: the queue asks, ConflictDialog answers. Each batch of files
// (one pick or one drop) remembers an answer given "for all", and questions asked meanwhile by
// files of the same batch are answered with it too.
import { useSyncExternalStore } from "react";

export type ConflictChoice = "overwrite" | "rename" | "skip";

export type Batch = { choice?: ConflictChoice };

export type Question = {
  id: number;
  name: string;
  batch: Batch;
  answer: (choice: ConflictChoice, forAll: boolean) => void;
};

let questions: Question[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function publish(next: Question[]) {
  questions = next;
  for (const listener of listeners) listener();
}

/** The first open question, for the dialog. */
export function useConflictQuestion(): Question | undefined {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => questions[0],
  );
}

/** The open questions, first asked first. */
export function pendingQuestions(): readonly Question[] {
  return questions;
}

/** What to do with `name`, which already exists in its folder. */
export function askConflict(name: string, batch: Batch): Promise<ConflictChoice> {
  if (batch.choice) return Promise.resolve(batch.choice);
  return new Promise((resolve) => {
    const id = nextId++;
    const question: Question = {
      id,
      name,
      batch,
      answer: (choice, forAll) => {
        if (forAll) {
          batch.choice = choice;
          const same = questions.filter((q) => q.batch === batch && q.id !== id);
          publish(questions.filter((q) => q.batch !== batch));
          for (const q of same) q.answer(choice, false);
        } else {
          publish(questions.filter((q) => q.id !== id));
        }
        resolve(choice);
      },
    };
    publish([...questions, question]);
  });
}

/** "report.pdf", 2 → "report (2).pdf". */
export function numberedName(name: string, n: number): string {
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return `${name} (${n})`;
  return `${name.slice(0, dot)} (${n})${name.slice(dot)}`;
}
