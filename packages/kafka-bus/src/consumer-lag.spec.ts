import { partitionLag } from './consumer-lag';

describe('consumer lag of one partition', () => {
  it('when the group has committed, then the lag is what lies between its offset and the end', () => {
    expect(partitionLag(120, 0, 100)).toBe(20);
  });

  it('when the group never committed, then the lag counts from the log start', () => {
    expect(partitionLag(120, 30, -1)).toBe(90);
    expect(partitionLag(120, 30, undefined)).toBe(90);
  });

  it('when retention removed records past the committed offset, then they are not counted', () => {
    expect(partitionLag(120, 110, 100)).toBe(10);
  });
});
