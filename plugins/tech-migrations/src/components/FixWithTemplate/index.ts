export {
  FixWithTemplateButton,
  FIX_TEMPLATE_ENTITY_PARAMETER,
} from './FixWithTemplateButton';
