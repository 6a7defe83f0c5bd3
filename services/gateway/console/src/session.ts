/**
 * The reviewer's token lives in sessionStorage: gone when the tab closes, never sent as a cookie,
 * and removed on sign-out.
 */
const KEY = 'kyc-reviewer-token';

export const savedToken = (): string | null => sessionStorage.getItem(KEY);
export const saveToken = (token: string): void => sessionStorage.setItem(KEY, token);
export const forgetToken = (): void => sessionStorage.removeItem(KEY);
