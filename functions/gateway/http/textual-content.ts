/**
 * Content types Function URLs carry as plain text; every other body travels base64-encoded
 * (`isBase64Encoded: true`). The local server uses the same rule, so it builds the events AWS would.
 */
const TEXTUAL =
  /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|[\w.+-]+\+(json|xml))\b)/i;

export const isTextualContentType = (contentType: string | undefined): boolean =>
  contentType !== undefined && TEXTUAL.test(contentType);
