import type { Connection } from 'vscode-languageserver/node';

/** Settings under `dropneuron.*` (contributed by the VS Code extension; any client may send them). */
export interface Settings {
  trainer: { backend: 'auto' | 'gpu' | 'node' | 'wasm' | 'cpu'; nodePath: string; epochs: number | null; outputFolder: string };
  inlayHints: { enabled: boolean };
}

export const DEFAULT_SETTINGS: Settings = {
  trainer: { backend: 'auto', nodePath: '', epochs: null, outputFolder: '' },
  inlayHints: { enabled: true },
};

/** Reads settings with workspace/configuration when the client supports it, else the defaults. */
export class Configuration {
  supported = false;

  constructor(private readonly connection: Connection) {}

  async get(uri: string): Promise<Settings> {
    if (!this.supported) return DEFAULT_SETTINGS;
    try {
      const value = (await this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'dropneuron' })) as Partial<Settings> | null;
      return {
        trainer: { ...DEFAULT_SETTINGS.trainer, ...value?.trainer },
        inlayHints: { ...DEFAULT_SETTINGS.inlayHints, ...value?.inlayHints },
      };
    } catch {
      return DEFAULT_SETTINGS;
    }
  }
}
