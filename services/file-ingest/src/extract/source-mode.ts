/**
 * Resolves the sources' `.js` specifiers to their `.ts` files (the files import each other as they
 * will be named once compiled), in the child's own thread, before anything else loads.
 */
const RESOLVE_TS = `import { registerHooks } from 'node:module';
registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context);
    } catch (error) {
      if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !specifier.startsWith('.') || !specifier.endsWith('.js')) throw error;
      return next(specifier.slice(0, -3) + '.ts', context);
    }
  },
});`;

/**
 * How an extraction process runs this service's TypeScript sources (tests, benches; a deployment runs
 * the compiled JavaScript): Node strips the types itself and one resolve hook finds the `.ts` files.
 * Not tsx: it transforms every module it loads (pdf.js's 2 MB included) and adds about 330 MB to the
 * process, which the memory limit would then count against every file.
 */
export const SOURCE_MODE_EXEC_ARGV = [
  '--experimental-transform-types',
  '--disable-warning=ExperimentalWarning',
  '--import',
  `data:text/javascript,${encodeURIComponent(RESOLVE_TS)}`,
];
