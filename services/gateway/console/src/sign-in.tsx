import { useState } from 'preact/hooks';

/** Token form: the only thing shown before a reviewer is signed in. */
export function SignIn(props: { error: string | null; busy: boolean; onSubmit: (token: string) => void }) {
  const [token, setToken] = useState('');
  return (
    <main class="sign-in">
      <h1>Reviewer console</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim()) props.onSubmit(token.trim());
        }}
      >
        <label for="token">Reviewer token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          autofocus
          value={token}
          onInput={(e) => setToken((e.currentTarget as HTMLInputElement).value)}
        />
        <button type="submit" disabled={props.busy || !token.trim()}>
          {props.busy ? 'Signing in…' : 'Sign in'}
        </button>
        {props.error && (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
      </form>
      <p class="hint">The token is printed once by <code>kyc reviewer create --name NAME</code>. It is kept in this tab only.</p>
    </main>
  );
}
