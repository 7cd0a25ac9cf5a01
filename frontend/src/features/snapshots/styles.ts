// Mantine's CSS for the components only the snapshot dialogs use, loaded with their chunks
// (after the app's building blocks in src/styles.ts, so the order rule there holds).
import "@mantine/core/styles/Card.css";
import "@mantine/core/styles/Drawer.css";
import "@mantine/core/styles/List.css";
import "@mantine/core/styles/Radio.css";
