/**
 * Access tokens of the reference portal: random, held in memory, each bound to one account and
 * valid for `ttlSeconds` by the portal's (injected) clock. A restart forgets every token, as a
 * real gateway restart may: clients take a new one when a call answers 401.
 */
import type { Clock, Random } from '../clock.js';
import type { PortalApiKey } from '../wire/portal.js';

interface Held {
  idToken: string;
  username: string;
  expiresAt: number;
}

/** Never hold more than this many live tokens (oldest dropped first). */
const MAX_TOKENS = 10_000;

export class TokenStore {
  private readonly tokens = new Map<string, Held>();

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly ttlSeconds: number,
  ) {}

  issue(username: string): PortalApiKey {
    this.sweep();
    const accessToken = this.random.bytes(24).toString('base64url');
    const idToken = this.random.bytes(24).toString('base64url');
    this.tokens.set(accessToken, { idToken, username, expiresAt: this.clock.now() + this.ttlSeconds * 1000 });
    while (this.tokens.size > MAX_TOKENS) this.tokens.delete(this.tokens.keys().next().value!);
    return { access_token: accessToken, id_token: idToken, token_type: 'Bearer', username, expires_in: this.ttlSeconds };
  }

  /** True when the pair was issued to `username` and has not expired. */
  valid(token: string, idToken: string, username: string): boolean {
    const held = this.tokens.get(token);
    if (!held) return false;
    if (this.clock.now() >= held.expiresAt) {
      this.tokens.delete(token);
      return false;
    }
    return held.idToken === idToken && held.username === username;
  }

  get size(): number {
    return this.tokens.size;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [k, v] of this.tokens) if (now >= v.expiresAt) this.tokens.delete(k);
  }
}
