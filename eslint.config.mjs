import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'test-results/**', 'node_modules/**', 'bench/results.*'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        crypto: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        structuredClone: 'readonly',
        Response: 'readonly',
        Request: 'readonly',
        Headers: 'readonly',
        window: 'readonly',
        document: 'readonly',
        navigator: 'readonly',
        performance: 'readonly',
        queueMicrotask: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The published bin shim is plain CommonJS that loads the built CLI.
    files: ['bin/**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The core and the CLI run under plain Node: only the Electron shell and the preload may load electron.
    files: ['main/core/**/*.ts', 'main/cli/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only main/electron and preload may import electron.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // The sign-in engine and storage sit at the centre: they never import the subsystems built on them.
    files: ['main/core/auth/**/*.ts', 'main/core/storage/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only main/electron and preload may import electron.',
              allowTypeImports: true,
            },
          ],
          patterns: [
            {
              group: [
                '**/verify',
                '**/verify/**',
                '**/report',
                '**/report/**',
                '**/checklist',
                '**/checklist/**',
                '**/app-api',
              ],
              message: 'auth/ and storage/ are inner rooms: arrows point inward only (see DEVELOPERS.md).',
            },
          ],
        },
      ],
    },
  },
);
