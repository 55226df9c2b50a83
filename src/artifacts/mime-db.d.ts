// mime-db ships JSON without types: the fields the content-type guess reads.
declare module 'mime-db' {
  const db: Record<string, { source?: string; extensions?: string[] }>;
  export default db;
}
