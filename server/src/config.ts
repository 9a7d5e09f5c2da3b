import type { Connection } from 'vscode-languageserver/node';
import type { BackendSetting } from '../../language/index.ts';
import type { TrainingOverrides } from '../../protocol/settings.ts';

/** Settings under `dropneuron.*` (contributed by the VS Code extension's package.json; any client may send them). */
export interface Settings {
  trainer: {
    backend: BackendSetting;
    nodePath: string;
    epochs: number | null;
    outputFolder: string;
    /** Spec settings (by the spec's names) that runs started from the editor override. */
    overrides: Record<string, unknown>;
  };
  inlayHints: { enabled: boolean };
}

export const DEFAULT_SETTINGS: Settings = {
  trainer: { backend: 'auto', nodePath: '', epochs: null, outputFolder: '', overrides: {} },
  inlayHints: { enabled: true },
};

/** The overrides that `dropneuron.trainer.backend` and `dropneuron.trainer.epochs` stand for. */
export function settingsOverrides(settings: Settings): TrainingOverrides {
  const { backend, epochs } = settings.trainer;
  const train = { ...(backend !== 'auto' ? { backend } : {}), ...(epochs ? { epochs } : {}) };
  return Object.keys(train).length ? { train } : {};
}

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
