// A bar chart of daily counts in plain SVG: one bar a day, the highest count on the axis,
// the first and last day under it. Each bar carries its date and count as a tooltip, and the
// whole chart is described in words for screen readers.
import { Paper, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { formatMonthDay } from "../../../../lib/format";

type Props = {
  title: string;
  /** ISO dates, oldest first. */
  dates: string[];
  values: number[];
  language: string;
  color: string;
  summary: string;
};

const WIDTH = 320;
const HEIGHT = 120;
const AXIS = 28;
const BOTTOM = 18;

export function DailyChart({ title, dates, values, language, color, summary }: Props) {
  const max = Math.max(1, ...values);
  const plotWidth = WIDTH - AXIS;
  const plotHeight = HEIGHT - BOTTOM;
  const step = values.length > 0 ? plotWidth / values.length : plotWidth;
  const day = (iso: string | undefined) => (iso ? formatMonthDay(iso, language) : "");

  return (
    <Paper withBorder p="sm">
      <Stack gap={4}>
        <Text fw={600} size="sm">
          {title}
        </Text>
        <svg
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          width="100%"
          role="img"
          aria-label={summary}
          style={{ display: "block", overflow: "visible" }}
        >
          <Label x={AXIS - 4} y={10} end>
            {max}
          </Label>
          <Label x={AXIS - 4} y={plotHeight} end>
            0
          </Label>
          <line
            x1={AXIS}
            x2={WIDTH}
            y1={plotHeight + 0.5}
            y2={plotHeight + 0.5}
            stroke="currentColor"
            opacity={0.3}
          />
          <Bars
            values={values}
            max={max}
            step={step}
            label={(i, v) => `${day(dates[i])}: ${v}`}
            color={color}
          />
          <Label x={AXIS} y={HEIGHT - 4}>
            {day(dates[0])}
          </Label>
          <Label x={WIDTH} y={HEIGHT - 4} end>
            {day(dates[dates.length - 1])}
          </Label>
        </svg>
      </Stack>
    </Paper>
  );
}

function Label(props: { x: number; y: number; end?: boolean; children: ReactNode }) {
  return (
    <text
      x={props.x}
      y={props.y}
      textAnchor={props.end ? "end" : undefined}
      fontSize={10}
      fill="currentColor"
      opacity={0.7}
    >
      {props.children}
    </text>
  );
}

/** One bar a day, as high as its count against the highest. */
function Bars(props: {
  values: number[];
  max: number;
  step: number;
  color: string;
  label: (i: number, v: number) => string;
}) {
  const { max, step } = props;
  const plotHeight = HEIGHT - BOTTOM;
  return props.values.map((v, i) => {
    const h = (v / max) * (plotHeight - 4);
    return (
      <rect
        // Days are fixed positions: the index is the day.
        // biome-ignore lint/suspicious/noArrayIndexKey: one bar per day, in order
        key={i}
        x={AXIS + i * step + step * 0.15}
        y={plotHeight - h}
        width={Math.max(1, step * 0.7)}
        height={Math.max(v > 0 ? 1 : 0, h)}
        fill={props.color}
        rx={1}
      >
        <title>{props.label(i, v)}</title>
      </rect>
    );
  });
}
