import { serializeConfig, type ParsedConfig } from '../../config/url';
import type { DatasetName, PlaygroundConfig } from '../../config/types';
import { isUploadData, type UploadDataset } from './custom-set';

/**
 * Uploaded data lives only in the tab that read it: a link cannot carry it.
 * A link asking for it opens on built-in data of the same kind (MNIST for
 * images, moons for points) with a message, and Copy link writes that data in
 * its place and says so.
 */
interface StandIn {
  data: DatasetName;
  link: string;
  copy: string;
  /** For "Link copied (…)". */
  short: string;
}

const STAND_INS: Record<UploadDataset, StandIn> = {
  custom: {
    data: 'mnist',
    link: 'This link asks for uploaded images, which cannot travel in a link: it opens with MNIST instead. Add your own files under “Your data” to train on them.',
    copy: 'Your uploaded images cannot travel in a link: it opens with MNIST.',
    short: 'with MNIST in place of your images',
  },
  'custom-points': {
    data: 'moons',
    link: 'This link asks for uploaded points, which cannot travel in a link: it opens with the moons point set instead. Add your own CSV under “Your data” to train on it.',
    copy: 'Your uploaded points cannot travel in a link: it opens with the moons point set.',
    short: 'with the moons in place of your points',
  },
};

export const CUSTOM_LINK_MESSAGE = STAND_INS.custom.link;

/**
 * A parsed link naming uploaded data that this tab does not hold (`inTab`:
 * the data set the tab's upload trains as, if any): built-in data instead,
 * and a message saying why.
 */
export function withoutUpload(parsed: ParsedConfig, inTab: UploadDataset | null): ParsedConfig {
  const data = parsed.config.data;
  if (!isUploadData(data) || data === inTab) return parsed;
  const standIn = STAND_INS[data];
  return {
    config: { ...parsed.config, data: standIn.data },
    messages: [...parsed.messages, { key: 'data', problem: 'not shareable', used: standIn.data, text: standIn.link }],
  };
}

/** The query a shared link carries, with built-in data in place of an upload, and notes when that happened. */
export function shareableQuery(config: PlaygroundConfig): { query: string; note: string | null; short: string | null } {
  if (!isUploadData(config.data)) return { query: serializeConfig(config), note: null, short: null };
  const standIn = STAND_INS[config.data];
  return { query: serializeConfig({ ...config, data: standIn.data }), note: standIn.copy, short: standIn.short };
}
