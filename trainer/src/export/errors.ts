/**
 * A model that cannot be written, as one sentence naming what is missing: a layer a format does not cover, a
 * run folder without a finished epoch, a target that is a folder. The CLI prints it and exits 1; a run's end
 * reports it and goes on without that format.
 */
export class ExportError extends Error {}
