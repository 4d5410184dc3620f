// Text that is well-formed Unicode: no lone UTF-16 surrogate. JSON can carry one (`"\ud800"`),
// but it has no UTF-8 form: stored or hashed, it becomes U+FFFD, so different inputs would
// silently become the same text (three passwords one). Such input is refused, never replaced.
import { z } from 'zod';

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** A string schema that refuses lone surrogates; chain the string checks after it. */
export function wellFormedString(): z.ZodString {
  return z.string().refine(isWellFormed, 'must not hold a lone UTF-16 surrogate');
}
