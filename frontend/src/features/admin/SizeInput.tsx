// A number of bytes typed as an amount and a unit (MB, GB, TB…); the unit shown first is the
// largest that keeps the amount whole.
import { Group, NumberInput, Select } from "@mantine/core";
import { useState } from "react";

const UNITS = [
  { label: "B", bytes: 1 },
  { label: "KB", bytes: 1024 },
  { label: "MB", bytes: 1024 ** 2 },
  { label: "GB", bytes: 1024 ** 3 },
  { label: "TB", bytes: 1024 ** 4 },
];

function bestUnit(bytes: number, zeroUnit: number): number {
  for (let i = UNITS.length - 1; i > 0; i--) {
    const unit = UNITS[i]?.bytes ?? 1;
    if (bytes > 0 && bytes % unit === 0) return i;
  }
  return bytes === 0 ? zeroUnit : 0;
}

type Props = {
  label: string;
  description?: string;
  value: number;
  onChange: (bytes: number) => void;
  /** Appended to the unit labels, e.g. "/s" for a speed. */
  suffix?: string;
  unitLabel: string;
  /** The unit shown for 0 (index into B, KB, MB, GB, TB); GB by default. */
  zeroUnit?: number;
};

export function SizeInput(props: Props) {
  const [unit, setUnit] = useState(() => bestUnit(props.value, props.zeroUnit ?? 3));
  const size = UNITS[unit]?.bytes ?? 1;
  return (
    <Group gap={4} align="flex-end" wrap="nowrap">
      <NumberInput
        label={props.label}
        description={props.description}
        value={props.value / size}
        onChange={(value) => props.onChange(Math.max(0, Math.round(Number(value || 0) * size)))}
        min={0}
        decimalScale={3}
        style={{ flex: 1 }}
      />
      <Select
        aria-label={props.unitLabel}
        data={UNITS.map((u, i) => ({ value: String(i), label: `${u.label}${props.suffix ?? ""}` }))}
        value={String(unit)}
        onChange={(value) => value && setUnit(Number(value))}
        allowDeselect={false}
        w={90}
      />
    </Group>
  );
}
