import type { Preview } from '@storybook/react-vite';
import '../stories/stories.css';

const preview: Preview = {
  parameters: { layout: 'padded' },
};

export default preview;
