// The one contract between the service form and its groups of fields (the *-fields.tsx files):
// declared here once so the groups cannot drift apart.
import type { ServiceFormField, ServiceFormValues } from './service-form-model.ts';

/** What a group of the service form's fields gets: the values, the setter, each field's id and error. */
export interface ServiceFieldsProps {
  values: ServiceFormValues;
  set: <K extends ServiceFormField>(field: K, value: ServiceFormValues[K]) => void;
  field: (name: ServiceFormField) => { id: string; error: string | undefined };
}
