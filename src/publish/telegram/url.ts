// The web address of a message, from the chat TELEGRAM_CHAT_ID names and the message's id: a public
// channel's `@name` gives a link anyone can open; a private channel's numeric id (`-100…`) gives the
// `t.me/c/` form, which opens only for the channel's members; any other chat has no web address.

export function telegramPostUrl(chatId: string, messageId: string): string | null {
  const id = encodeURIComponent(messageId);
  const name = /^@(\w+)$/.exec(chatId)?.[1];
  if (name !== undefined) return `https://t.me/${name}/${id}`;
  const channel = /^-100(\d+)$/.exec(chatId)?.[1];
  if (channel !== undefined) return `https://t.me/c/${channel}/${id}`;
  return null;
}
