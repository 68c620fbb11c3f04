/** Only same-site paths: a crafted ?callbackUrl= must not send people elsewhere. */
export function safeCallbackUrl(value: string | null | undefined): string {
  return value && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/";
}
