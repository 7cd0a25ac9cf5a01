// The gallery's lines, for the virtualizer: a line of cards for the folders and other files
// (as the grid draws them), then for each date (when the order is by date) a header and the
// photos in justified rows: each keeps its aspect ratio, a row is scaled to fill the width from
// the target height, and the last row of a date keeps the target height (not stretched).
export type Tile = { index: number; left: number; width: number };

export type GalleryLine =
  | { kind: "cards"; first: number; count: number; height: number }
  | { kind: "header"; period: string; first: number; count: number; height: number }
  | { kind: "photos"; tiles: Tile[]; height: number };

export type LayoutInput = {
  /** How many files; the first `others` are folders and other files. */
  count: number;
  others: number;
  /** Width over height of the photo at `index`. */
  aspect: (index: number) => number;
  /** The day or month of the photo at `index`, when the headers are shown. */
  period?: (index: number) => string;
  width: number;
  target: number;
  gap: number;
  card: { width: number; height: number };
  headerHeight: number;
};

/** A panorama or a tall strip still gets a usable tile. */
const MIN_ASPECT = 0.4;
const MAX_ASPECT = 3;

export function layoutGallery(input: LayoutInput): GalleryLine[] {
  const lines: GalleryLine[] = [];
  const { count, others, card } = input;
  const perLine = Math.max(1, Math.floor(input.width / card.width));
  for (let first = 0; first < others; first += perLine) {
    lines.push({
      kind: "cards",
      first,
      count: Math.min(perLine, others - first),
      height: card.height,
    });
  }
  let start = others;
  while (start < count) {
    const period = input.period?.(start);
    let end = start + 1;
    while (period !== undefined && end < count && input.period?.(end) === period) end++;
    if (period !== undefined) {
      lines.push({
        kind: "header",
        period,
        first: start,
        count: end - start,
        height: input.headerHeight,
      });
    }
    justify(input, start, period === undefined ? count : end, lines);
    start = period === undefined ? count : end;
  }
  return lines;
}

/** Justified rows of the photos `from..to`, added to `lines`. */
function justify(input: LayoutInput, from: number, to: number, lines: GalleryLine[]) {
  const { width, target, gap } = input;
  let row: { index: number; aspect: number }[] = [];
  let sum = 0;
  const emit = (height: number) => {
    let x = 0;
    const tiles = row.map(({ index, aspect }) => {
      const left = Math.round(x);
      x += aspect * height;
      const tile = { index, left, width: Math.max(1, Math.round(x) - left) };
      x += gap;
      return tile;
    });
    lines.push({ kind: "photos", tiles, height: Math.round(height) + gap });
    row = [];
    sum = 0;
  };
  for (let i = from; i < to; i++) {
    const aspect = Math.min(MAX_ASPECT, Math.max(MIN_ASPECT, input.aspect(i) || 1));
    const room = width - gap * row.length;
    if ((sum + aspect) * target < room) {
      row.push({ index: i, aspect });
      sum += aspect;
      continue;
    }
    // Full: this photo ends the row, or starts the next when the row is nearer the target
    // height without it.
    const withIt = room / (sum + aspect);
    const without = (room + gap) / sum;
    if (row.length && Math.abs(without - target) < Math.abs(withIt - target)) {
      emit(without);
      row.push({ index: i, aspect });
      sum = aspect;
    } else {
      row.push({ index: i, aspect });
      sum += aspect;
      emit(withIt);
    }
  }
  if (row.length) emit(target);
}

/** The line holding the file at `index` and, for moving up and down, the tile's middle. */
export function locate(lines: GalleryLine[], index: number, cardWidth: number) {
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l];
    if (line?.kind === "cards" && index >= line.first && index < line.first + line.count) {
      return { line: l, middle: (index - line.first + 0.5) * cardWidth };
    }
    const tile = line?.kind === "photos" ? line.tiles.find((t) => t.index === index) : undefined;
    if (tile) return { line: l, middle: tile.left + tile.width / 2 };
  }
  return undefined;
}

/** The file of the line `step` lines of files away from `index` nearest below its middle. */
export function verticalNeighbour(
  lines: GalleryLine[],
  index: number,
  step: 1 | -1,
  cardWidth: number,
): number | undefined {
  const at = locate(lines, index, cardWidth);
  if (!at) return undefined;
  for (let l = at.line + step; l >= 0 && l < lines.length; l += step) {
    const line = lines[l];
    if (line?.kind === "cards") {
      const column = Math.min(line.count - 1, Math.floor(at.middle / cardWidth));
      return line.first + Math.max(0, column);
    }
    if (line?.kind === "photos") {
      let best = line.tiles[0];
      for (const tile of line.tiles) {
        const distance = (t: Tile) => Math.abs(t.left + t.width / 2 - at.middle);
        if (best && distance(tile) < distance(best)) best = tile;
      }
      return best?.index;
    }
  }
  return undefined;
}
