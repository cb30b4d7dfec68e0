// The two settings whose values have a shape of their own: the daily budget (one number, off, or one
// per publisher) and the venue labels (a name for each venue id).

import { PUBLISHER_NAMES, type PublisherName } from "../core/types.js";
import { Invalid, integer, type Kind, map, text } from "./kinds.js";

/** A daily budget per publisher: a number, or null for none. Publishers not named keep their default. */
export type Budget = Partial<Record<PublisherName, number | null>>;

const posts = integer(1, 10_000);

/** A number of posts, or off. */
const postsOrOff: Kind<number | null> = {
  describe: "whole number or off",
  parse(value) {
    if (value === false || (typeof value === "string" && value.trim().toLowerCase() === "off")) return null;
    return posts.parse(value);
  },
};

const perPublisher = map(postsOrOff, PUBLISHER_NAMES);

/** `17` or `off` (every publisher), or `x=17,bluesky=off` (an object in the config file). */
export const budget: Kind<Budget> = {
  describe: "posts a day, off, or per publisher",
  parse(value) {
    if (typeof value === "object" && value !== null) return perPublisher.parse(value) as Budget;
    if (typeof value === "string" && value.includes("=")) return perPublisher.parse(value) as Budget;
    let all: number | null;
    try {
      all = postsOrOff.parse(value);
    } catch {
      throw new Invalid(
        "must be a whole number from 1 to 10000, off, or per publisher like x=17,bluesky=off",
      );
    }
    return Object.fromEntries(PUBLISHER_NAMES.map((name) => [name, all])) as Budget;
  },
};

/** Venue display names by venue id: `okx=OKX,gateio=Gate`; a label is one line of text. */
export const labels: Kind<Record<string, string>> = map(text({ maxLength: 100 }));
