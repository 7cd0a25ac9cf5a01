// Mantine's CSS for the components only the explorer uses, loaded with its chunk (after the
// app's building blocks in src/styles.ts, so the order rule there holds).
import "@mantine/core/styles/Badge.css";
import "@mantine/core/styles/Divider.css";
import "@mantine/core/styles/Drawer.css";
import "@mantine/core/styles/Kbd.css";
import "@mantine/core/styles/List.css";
import "@mantine/core/styles/NumberInput.css";
import "@mantine/core/styles/Pill.css";
import "@mantine/core/styles/PillsInput.css";
import "@mantine/core/styles/SegmentedControl.css";
import "@mantine/core/styles/Table.css";
import "@mantine/core/styles/Tooltip.css";
import "@mantine/core/styles/Indicator.css";
