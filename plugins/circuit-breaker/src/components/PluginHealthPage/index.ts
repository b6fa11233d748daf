export { PluginHealthPage } from './PluginHealthPage';
