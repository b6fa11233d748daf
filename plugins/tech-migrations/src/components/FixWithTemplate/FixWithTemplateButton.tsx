import { LinkButton } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { fixTemplateRouteRef } from '../../routes';

/**
 * The form parameter a fix template takes the entity in (an EntityPicker). The scaffolder prefills its form from
 * the `formData` query parameter (JSON) of the template page (`useFormDataFromQuery`, plugin-scaffolder-react).
 */
export const FIX_TEMPLATE_ENTITY_PARAMETER = 'entity';

/** Where "Fix with template" leads: the template's page with the entity filled in; undefined when unbound. */
export function useFixTemplateLink(): (
  templateRef: string,
  entityRef: string,
) => string | undefined {
  const templatePage = useRouteRef(fixTemplateRouteRef);
  return (templateRef, entityRef) => {
    if (!templatePage) return undefined;
    const { namespace, name } = parseEntityRef(templateRef);
    const formData = JSON.stringify({
      [FIX_TEMPLATE_ENTITY_PARAMETER]: entityRef,
    });
    return `${templatePage({
      namespace,
      templateName: name,
    })}?${new URLSearchParams({ formData })}`;
  };
}

/** "Fix with template" for one remaining entity; nothing when the migration names no template. */
export function FixWithTemplateButton(props: {
  templateRef?: string;
  entityRef: string;
}) {
  const linkTo = useFixTemplateLink();
  const to = props.templateRef
    ? linkTo(props.templateRef, props.entityRef)
    : undefined;
  if (!to) return null;
  return (
    <LinkButton
      to={to}
      size="small"
      variant="outlined"
      color="primary"
      aria-label={`Fix with template: ${parseEntityRef(props.entityRef).name}`}
      data-testid={`fix-with-template-${props.entityRef}`}
    >
      Fix with template
    </LinkButton>
  );
}
