/**
 * A model that cannot be imported, or a weights file that does not fit its spec, as one sentence: the file,
 * the node or layer, what was expected and what was found. The CLI prints it and exits 1, writing nothing.
 */
export class ImportError extends Error {}
