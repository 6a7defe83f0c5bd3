module.exports = { preset: '@kyc/jest-preset' };
