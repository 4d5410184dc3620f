// Tokens whose signature and claims were already checked, so that a device's every request
// does not verify the same token again (jose's HMAC check is an async WebCrypto call, a
// noticeable part of a small request). A token is the same string signed with the same key,
// so its signature, issuer and audience stay valid; only its expiry is checked again, against
// the clock of each request. Bounded: the oldest entries go first.
export class VerifiedTokens {
  private readonly entries = new Map<string, { readonly subject: string; readonly expiresAtMs: number }>();

  constructor(private readonly max = 10_000) {}

  /** The token's subject, if it was verified before and has not expired at `nowMs`. */
  subject(token: string, nowMs: number): string | undefined {
    const e = this.entries.get(token);
    if (e === undefined) return undefined;
    if (nowMs >= e.expiresAtMs) {
      this.entries.delete(token);
      return undefined;
    }
    return e.subject;
  }

  remember(token: string, subject: string, expiresAtMs: number): void {
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { subject, expiresAtMs });
  }
}
