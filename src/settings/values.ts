// Where each setting's value comes from (SPEC §9: flags > environment > .env > config file), read once
// and parsed through the setting's kind; a bad value is a ConfigError naming the setting as the person
// set it (`--top`, `CAPBOT_PUBLISHER`, `top (config file)`) and where — never the value.

import { resolve } from "node:path";
import { ConfigError } from "../errors.js";
import { parseDotEnv } from "./dotenv.js";
import { readSettingsFile } from "./files.js";
import { Invalid } from "./kinds.js";
import { SETTINGS, type Setting, type SettingName, type ValueOf } from "./registry.js";

/** Where a setting's value came from, so an error can say where to look. */
type Source = "flag" | "environment" | ".env" | "config file";

export interface Raw {
  value: unknown;
  source: Source;
  /** The name a person set: `--top`, `CAPBOT_PUBLISHER`, `top (config file)`. */
  name: string;
}

/** Every setting's raw value by precedence, parsed through its kind; errors name the setting. */
export class Values {
  private readonly dotenv: Record<string, string>;
  private readonly file: Record<string, unknown>;
  private readonly parsed = new Map<SettingName, unknown>();

  constructor(
    private readonly flags: Record<string, unknown>,
    private readonly env: NodeJS.ProcessEnv,
    cwd: string,
  ) {
    const dotenvPath = resolve(cwd, ".env");
    const dotenvText = readSettingsFile(dotenvPath, `The .env file ${dotenvPath}`);
    this.dotenv = dotenvText === null ? {} : parseDotEnv(dotenvText, dotenvPath);
    this.file = readConfigFile(flags, env, this.dotenv, cwd);
  }

  raw(name: SettingName): Raw | null {
    const s: Setting<unknown> = SETTINGS[name];
    if (s.flag !== undefined) {
      const v = this.flags[s.flag];
      if (v !== undefined && v !== null && v !== "")
        return { value: v, source: "flag", name: flagOf(s.flag, s.negated === true) };
    }
    // An empty variable counts as unset: GitHub Actions passes a missing secret as "".
    for (const env of s.env) {
      const v = this.env[env];
      if (v !== undefined && v.trim() !== "") return { value: v, source: "environment", name: env };
    }
    for (const env of s.env) {
      const v = this.dotenv[env];
      if (v !== undefined && v.trim() !== "") return { value: v, source: ".env", name: env };
    }
    if (s.file !== undefined && this.file[s.file] !== undefined) {
      return { value: this.file[s.file], source: "config file", name: `${s.file} (config file)` };
    }
    return null;
  }

  has(name: SettingName): boolean {
    return this.raw(name) !== null;
  }

  /** The parsed value, or undefined when the setting is not set. */
  get<N extends SettingName>(name: N): ValueOf<N> | undefined {
    if (this.parsed.has(name)) return this.parsed.get(name) as ValueOf<N>;
    const raw = this.raw(name);
    if (raw === null) return undefined;
    let value: unknown;
    try {
      value = (SETTINGS[name] as Setting<unknown>).kind.parse(raw.value);
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      const where = raw.source === "flag" ? "on the command line" : `in the ${raw.source}`;
      throw new ConfigError(`${raw.name} ${err.message} (set ${where}).`);
    }
    this.parsed.set(name, value);
    return value as ValueOf<N>;
  }

  /** A setting of a path not taken is still checked: a typo should not wait for the day that path is. */
  checkEverySetValue(): void {
    for (const name of Object.keys(SETTINGS) as SettingName[]) this.get(name);
  }

  /** The documented environment name of a setting (for messages about settings that are not set). */
  envName(name: SettingName): string {
    return SETTINGS[name].env[0] ?? name;
  }
}

/** The flag as typed: `--metrics-port`, `--no-chart`. */
export function flagOf(key: string, negated = false): string {
  return `--${negated ? "no-" : ""}${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function readConfigFile(
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  dotenv: Record<string, string>,
  cwd: string,
): Record<string, unknown> {
  const fromFlag = typeof flags["config"] === "string" && flags["config"].trim() !== "";
  // An empty variable counts as unset, here as everywhere: CAPBOT_CONFIG="" leaves .env's to name it.
  const fromEnv = [env["CAPBOT_CONFIG"], dotenv["CAPBOT_CONFIG"]].find(
    (v) => v !== undefined && v.trim() !== "",
  );
  const named = fromFlag ? String(flags["config"]) : fromEnv;
  const explicit = named !== undefined && named.trim() !== "";
  const path = resolve(cwd, explicit ? named.trim() : "capbot.config.json");
  const text = readSettingsFile(path, `The config file ${path}`);
  if (text === null) {
    if (explicit) {
      throw new ConfigError(
        `The config file named by ${fromFlag ? "--config" : "CAPBOT_CONFIG"} does not exist: ${path}.`,
      );
    }
    return {};
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`The config file ${path} is not valid JSON.`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ConfigError(`The config file ${path} must hold one JSON object of settings.`);
  }
  const known = new Set(Object.values(SETTINGS).flatMap((s: Setting<unknown>) => (s.file ? [s.file] : [])));
  for (const key of Object.keys(json)) {
    if (!known.has(key)) throw new ConfigError(`The config file ${path} has an unknown setting: ${key}.`);
  }
  return json as Record<string, unknown>;
}
