// ali-oss ships its TypeScript sources next to the compiled files: resolve .js first so Jest loads
// the compiled ones.
module.exports = { preset: '@kyc/jest-preset', moduleFileExtensions: ['js', 'ts', 'json'] };
