// Last write wins on hybrid logical clock stamps (docs/protocol.md "Push";
// docs/INVARIANTS.md #11). Stamps compare as strings (time, counter, node id), so ties in
// time are broken by the node id; exactly equal stamps can only come from one device, and
// then the stored write stays.
import { compareHlc } from './hlc';

export type LwwWinner = 'stored' | 'incoming';

/** Which write wins a conflict: the incoming one only when its stamp is strictly later. */
export function lwwWinner(storedHlc: string, incomingHlc: string): LwwWinner {
  return compareHlc(incomingHlc, storedHlc) > 0 ? 'incoming' : 'stored';
}
