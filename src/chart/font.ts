// The font the chart is drawn with: Inter (SIL Open Font License 1.1), shipped through the npm
// package @expo-google-fonts/inter (pinned: the golden image depends on its bytes), never taken from
// the system, so that the same chart gives the same PNG bytes on every machine.

import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const packageDir = dirname(createRequire(import.meta.url).resolve("@expo-google-fonts/inter/package.json"));

export const FONT_FILES: readonly string[] = [
  join(packageDir, "400Regular", "Inter_400Regular.ttf"),
  join(packageDir, "700Bold", "Inter_700Bold.ttf"),
];
