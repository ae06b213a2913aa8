/** The native "Save as" dialog for exports; undefined when the admin cancels. */
import { BrowserWindow, dialog } from 'electron';

export interface SaveDialogRequest {
  readonly title?: string;
  readonly defaultName: string;
  readonly filters?: readonly { readonly name: string; readonly extensions: readonly string[] }[];
}

export async function chooseSavePath(request: SaveDialogRequest): Promise<string | undefined> {
  const options = {
    title: request.title ?? 'Save',
    defaultPath: request.defaultName,
    filters: (request.filters ?? []).map((f) => ({ name: f.name, extensions: [...f.extensions] })),
    properties: ['createDirectory', 'showOverwriteConfirmation'] as Array<
      'createDirectory' | 'showOverwriteConfirmation'
    >,
  };
  const parent = BrowserWindow.getFocusedWindow();
  const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
  return result.canceled || !result.filePath ? undefined : result.filePath;
}
