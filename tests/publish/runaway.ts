// A fence for the retry loop's own tests: it stops a loop that would never end (a broken attempt count,
// a swallowed failure) with an error, at once, instead of letting it spin on promises that never give
// the test's timer a turn, so that such a loop fails the test instead of hanging it.

export function runawayFence(maxAttempts = 20): () => Promise<void> {
  let attempts = 0;
  return async () => {
    attempts += 1;
    if (attempts > maxAttempts) throw new Error(`more than ${maxAttempts} attempts: the retry loop ran away`);
  };
}
