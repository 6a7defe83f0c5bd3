module.exports = require('@kyc/eslint-config');
