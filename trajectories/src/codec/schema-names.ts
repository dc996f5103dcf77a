const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Schema names become identifiers in compiled code (record-codec's tuple converters), and a
 * shard's schema comes from its file: anything else is refused.
 * `__proto__` would set an object's prototype instead of a field.
 */
export function checkIdentifier(name: string): void {
  if (!IDENTIFIER.test(name) || name === '__proto__') throw new Error(`schema name ${JSON.stringify(name)} is not an identifier`);
}
