export default async function globalTeardown(): Promise<void> {
  const infra = (globalThis as { __kycInfra?: { stop(): Promise<void> } }).__kycInfra;
  await infra?.stop();
}
