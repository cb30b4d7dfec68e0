// The web address of a post on X, from its id alone (legacy posts carry nothing else).

export function xPostUrl(postId: string): string {
  return `https://x.com/i/web/status/${encodeURIComponent(postId)}`;
}
