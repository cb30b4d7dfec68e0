// Telegram's adapter tests against the Bot API stand-in: publishers with the fake token, the channel
// and the stand-in's address (tests/publish/harness.ts adds the rest), and the search of every output
// for the token.

import { inspect } from "node:util";
import { expect } from "vitest";
import { createTelegramPublisher, type TelegramOptions } from "../../src/publish/telegram/index.js";
import { type Harness, harness } from "../publish/harness.js";
import { useAdapterStandIn } from "../use-stand-in.js";
import { CHANNEL, FAKE_TOKEN, TelegramStandIn } from "./stand-in.js";

export function makePublisher(standIn: TelegramStandIn, overrides: Partial<TelegramOptions> = {}): Harness {
  return harness((common, logger) =>
    createTelegramPublisher(
      {
        botToken: FAKE_TOKEN,
        chatId: `@${CHANNEL.username}`,
        apiBaseUrl: standIn.url,
        chart: true,
        ...common,
        ...overrides,
      },
      logger,
    ),
  );
}

/**
 * The file's Bot API stand-in and publishers against it; everything the tests show (all of a
 * PublishError, however deep) is searched for the token.
 */
export function useTelegramStandIn() {
  return useAdapterStandIn(TelegramStandIn, {
    publisher: (standIn, _certificate, overrides?: Partial<TelegramOptions>) =>
      makePublisher(standIn, overrides),
    search: (shown) => expect(leakedSecrets(shown)).toEqual([]),
    showError: shown,
  });
}

/** Everything a value would show a person or a log, however deep (an error's cause, its fields). */
export function shown(value: unknown): string {
  return typeof value === "string" ? value : inspect(value, { depth: 12, showHidden: true });
}

/** The token's forms found in the output: whole, its secret half, or percent-encoded. */
export function leakedSecrets(output: string, token: string = FAKE_TOKEN): string[] {
  const secretHalf = token.slice(token.indexOf(":") + 1);
  return [token, secretHalf, encodeURIComponent(token)].filter((s) => output.includes(s));
}
