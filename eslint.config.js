// One type-aware lint config for every workspace. Promise-safety rules are errors: a floating
// promise in a service is a request that fails silently.
import js from '@eslint/js';
import globals from 'globals';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/coverage/**', '.platform/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Nest injects by constructor parameter type; such imports must stay value imports.
      '@typescript-eslint/no-extraneous-class': 'off',
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        {
          // kafkajs logs "KafkaJS v2.0.0 switched default partitioner" for a producer made without one.
          selector:
            "CallExpression[callee.property.name='producer']:not(:has(Property[key.name='createPartitioner']))",
          message:
            'Name the partitioner: producer({ createPartitioner: Partitioners.DefaultPartitioner, ... }) (kafkajs warns at a producer without one).',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
  {
    // Benchmarks report on the console: that is their output, not stray logging.
    files: ['bench/**/*.mjs'],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
