// ali-oss (a dev dependency the object store is tested against) ships .ts sources beside its .js:
// resolve .js first so its compiled code is what runs.
module.exports = { preset: '@kyc/jest-preset', moduleFileExtensions: ['js', 'ts', 'json'] };
