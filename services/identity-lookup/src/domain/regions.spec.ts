import { fullNameIn, RegionCatalog, RegionEdition } from './regions';

const edition = (label: string, provinces: [string, string][], prefectures: [string, string][], counties: [string, string][]): RegionEdition => ({
  label,
  provinces: new Map(provinces),
  prefectures: new Map(prefectures),
  counties: new Map(counties),
});

const current = edition('current', [['11', '北京市'], ['13', '河北省']], [['1301', '石家庄市']], [['110101', '东城区'], ['130102', '长安区']]);
const historic = edition(
  'historic',
  [['11', '北京市'], ['13', '河北省']],
  [['1101', '市辖区'], ['1301', '石家庄市'], ['1302', '唐山地区']],
  [['110101', '市辖区'], ['110103', '崇文区'], ['130201', '市辖区'], ['130223', '滦县']],
);

describe('fullNameIn', () => {
  it('when a municipality lists itself as its own prefecture, then its name appears once', () => {
    const selfNamed = edition('x', [['11', '北京市']], [['1101', '北京市']], [['110101', '东城区']]);
    expect(fullNameIn(selfNamed, '110101')).toBe('北京市东城区');
  });

  it('when the county is listed under a grouping heading, then the heading is left out', () => {
    expect(fullNameIn(historic, '110103')).toBe('北京市崇文区');
    expect(fullNameIn(historic, '130201')).toBe('河北省唐山地区');
  });
});

describe('RegionCatalog', () => {
  const catalog = new RegionCatalog([current, historic]);

  it('when both editions know a code, then the current name wins', () => {
    expect(catalog.addressOf('110101')).toBe('北京市东城区');
  });

  it('when only the historic edition knows a code, then the whole name comes from it', () => {
    expect(catalog.addressOf('130223')).toBe('河北省唐山地区滦县');
  });

  it('when no edition knows the code, then the address is empty', () => {
    expect(catalog.addressOf('130299')).toBe('');
    expect(catalog.addressOf('990000')).toBe('');
  });
});
