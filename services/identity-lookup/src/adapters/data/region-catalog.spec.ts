import { loadRegionCatalog } from './region-catalog';

// The real data packages, as the service loads them.
const catalog = loadRegionCatalog();

describe('region catalog from the data packages', () => {
  it.each([
    ['a current district of a municipality', '110101', '北京市东城区'],
    ['a current county of a prefecture', '370102', '山东省济南市历下区'],
    ['a current county of a Chongqing county group', '500229', '重庆市城口县'],
    ['a county-level city directly under a province', '419001', '河南省济源市'],
    ['a revoked code (崇文区, merged in 2010)', '110103', '北京市崇文区'],
    ['a revoked code (宣武区, merged in 2010)', '110104', '北京市宣武区'],
    ['a revoked county of a revoked prefecture (巢湖地区)', '342622', '安徽省巢湖地区庐江县'],
    ['a prefecture-level code', '130100', '河北省石家庄市'],
    ['a prefecture-level city without counties', '441900', '广东省东莞市'],
    ['a prefecture code with its 市辖区 heading', '130101', '河北省石家庄市'],
    ['a province-level code', '810000', '香港特别行政区'],
  ])('when the code is %s (%s), then the address is its full name', (_what, code, address) => {
    expect(catalog.addressOf(code)).toBe(address);
  });

  it.each([
    ['an unknown province', '990101'],
    ['an unknown county of a known prefecture', '110199'],
    ['not six digits', '11010'],
  ])('when the code is %s, then the address is empty', (_what, code) => {
    expect(catalog.addressOf(code)).toBe('');
  });
});
