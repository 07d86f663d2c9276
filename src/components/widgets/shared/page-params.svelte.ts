import { readPageParams, replacePageParams, type ParamSchema, type ParamValues } from '../../../lib/site/url-state';

/**
 * A widget's parameters as reactive state: read from the page URL once (with a notice for each
 * value that had to be changed) and written back to it on every change, so a view can be shared.
 * Call it while the component initialises: the write-back is an effect of the component.
 */
export function pageParams<S extends ParamSchema>(schema: S, prefix: string): { values: ParamValues<S>; notices: string[] } {
  const parsed = readPageParams(schema, prefix);
  const values: ParamValues<S> = $state({ ...parsed.values });
  $effect(() => replacePageParams(schema, { ...values }, prefix));
  return { values, notices: parsed.notices };
}
