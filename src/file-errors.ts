// The operating system's words for a file error, as a sentence can carry them: Node's message is
// "ENOSPC: no space left on device, write" (with the path after an open); a person reads
// "no space left on device (ENOSPC)".

export function fileErrorReason(err: unknown): string {
  const { code, syscall, message } = err as NodeJS.ErrnoException;
  if (code === undefined || syscall === undefined) return String(message ?? err);
  const words = message.replace(/^[A-Z]+: /, "").replace(new RegExp(`, ${syscall}( '.*')?$`), "");
  return `${words} (${code})`;
}
