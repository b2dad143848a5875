/** The core and the lazily loaded modules a service needs, or the error to show instead. */
import { serializeError, type SerializedError } from '../src/errors.js';

/** Both values, or the first failure serialized (a service yields it as its `error` event). */
export async function loadBoth<A, B>(first: Promise<A>, second: Promise<B>): Promise<{ values: [A, B] } | { error: SerializedError }> {
  try {
    return { values: await Promise.all([first, second]) };
  } catch (error) {
    return { error: serializeError(error) };
  }
}
