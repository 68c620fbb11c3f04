/**
 * The one way the tests read a refusal: the error of a given class a promise rejects with. The
 * test fails if the promise resolves, or rejects with anything else (which is rethrown).
 */
export async function rejectionOf<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}, but the call succeeded`);
}
