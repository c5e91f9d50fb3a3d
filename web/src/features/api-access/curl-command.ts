// The curl command the "API access" panel offers: a JSON POST of `{ me { id email } }` as the
// signed-in person, quoted for POSIX shells (sh, bash, zsh) so that it runs exactly as copied.
// With its extensions so the API's tests (NodeNext resolution) can run this very command.
import { CSRF_HEADER } from '../../lib/apollo.ts';

export const CURL_QUERY = '{ me { id email } }';

/** How many leading characters of a token the panel shows (the JWT header, the same for every token). */
const SHOWN_TOKEN_CHARACTERS = 10;

/** One line: it pastes into any terminal as one command. */
export function curlCommand(apiUrl: string, token: string): string {
  return curlCommandParts(apiUrl, token).join(' ');
}

/** The command's words, each option with its value, so the screen can wrap it between options only. */
export function curlCommandParts(apiUrl: string, token: string): string[] {
  return [
    'curl -sS',
    shellQuote(apiUrl),
    `-H ${shellQuote(`Authorization: Bearer ${token}`)}`,
    `-H ${shellQuote('Content-Type: application/json')}`,
    // A JSON POST needs no CSRF header; it keeps the command working if someone turns it into a GET.
    `-H ${shellQuote(`${CSRF_HEADER}: curl`)}`,
    `--data ${shellQuote(JSON.stringify({ query: CURL_QUERY }))}`,
  ];
}

/** For the screen: enough to recognise a token, too little to use it. */
export function elideToken(token: string): string {
  return `${token.slice(0, SHOWN_TOKEN_CHARACTERS)}…`;
}

/** One shell word: single quotes keep everything literal except `'` itself, written as '\''. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
