import { getContext, hasContext, setContext } from 'svelte';

/** A typed context token: `provide` in a parent, `inject` (which throws if missing) below it. */
export interface ContextToken<T> {
  /** The context key, for building a `context` map when rendering a component in tests. */
  readonly key: symbol;
  provide(value: T): T;
  inject(): T;
  /** The provided value, or undefined when no parent provides one. */
  injectOptional(): T | undefined;
}

export function defineContext<T>(name: string): ContextToken<T> {
  const key = Symbol(name);
  return {
    key,
    provide(value) {
      return setContext(key, value);
    },
    inject() {
      if (!hasContext(key)) {
        throw new Error(`No ${name} in context: provide it in a parent component first.`);
      }
      return getContext<T>(key);
    },
    injectOptional() {
      return hasContext(key) ? getContext<T>(key) : undefined;
    },
  };
}
