// Some dependencies export only for `import`. When jest's CommonJS resolution finds no export for
// `require`, resolve again with the import condition (swc compiles those files to CommonJS).
module.exports = (request, options) => {
  try {
    return options.defaultResolver(request, options);
  } catch (e) {
    if (request.startsWith('.') || request.startsWith('/')) throw e;
    return options.defaultResolver(request, { ...options, conditions: ['import', 'node', 'default'] });
  }
};
