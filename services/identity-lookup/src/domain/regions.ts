/**
 * GB/T 2260 administrative divisions: the 户籍地址 of an ID number is the full name of the
 * division its first six digits name (province + prefecture + county, e.g. 110101 →
 * "北京市东城区"). Pure: the code tables are handed in by an adapter that loads them from
 * maintained data packages; nothing here is typed in by hand.
 */

/** One edition of the code table: names by 2-digit (province), 4-digit (prefecture) and 6-digit (county) prefix. */
export interface RegionEdition {
  readonly label: string;
  readonly provinces: ReadonlyMap<string, string>;
  readonly prefectures: ReadonlyMap<string, string>;
  readonly counties: ReadonlyMap<string, string>;
}

/**
 * The standard lists some codes under headings that group divisions rather than name a place
 * ("市辖区" for a city's districts, "县" for a municipality's counties, "省直辖县级行政区划" for
 * counties under a province); a full name leaves them out, as the card's own address does.
 */
export function isGroupingHeading(name: string): boolean {
  return name === '市辖区' || name === '县' || name.includes('直辖县级行政区划');
}

const placeName = (name: string | undefined): string | undefined => (name && !isGroupingHeading(name) ? name : undefined);

/**
 * A code's full name within one edition, or undefined if the edition does not know it. The whole
 * name comes from one edition so a revoked county is named with the prefecture it belonged to.
 */
export function fullNameIn(edition: RegionEdition, regionCode: string): string | undefined {
  if (!/^\d{6}$/.test(regionCode)) return undefined;
  const province = edition.provinces.get(regionCode.slice(0, 2));
  if (!province) return undefined;
  if (regionCode.endsWith('0000')) return province;
  const rawPrefecture = placeName(edition.prefectures.get(regionCode.slice(0, 4)));
  // Municipalities (北京市, 上海市, …) have no prefecture of their own: never "北京市北京市东城区".
  const prefecture = rawPrefecture === province ? undefined : rawPrefecture;
  if (regionCode.endsWith('00')) return prefecture ? province + prefecture : undefined;
  const rawCounty = edition.counties.get(regionCode);
  if (rawCounty === undefined) return undefined;
  const county = placeName(rawCounty);
  if (!county) return prefecture ? province + prefecture : undefined;
  return province + (prefecture ?? '') + county;
}

/** Editions in order of preference: current names first, historic (revoked) codes as fallback. */
export class RegionCatalog {
  constructor(private readonly editions: readonly RegionEdition[]) {}

  /** The division's full name (户籍地址), or '' when no edition knows the code. */
  addressOf(regionCode: string): string {
    for (const edition of this.editions) {
      const name = fullNameIn(edition, regionCode);
      if (name) return name;
    }
    return '';
  }
}
