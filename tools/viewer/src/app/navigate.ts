/** Goes to one of the app's own hash routes; `replace` keeps the history from filling with every keystroke or step. */
export function navigate(hash: string, replace = false): void {
  if (replace) location.replace(hash);
  else location.hash = hash;
}
