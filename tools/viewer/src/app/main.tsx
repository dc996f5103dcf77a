import './styles.css';
import { render } from 'preact';
import { App } from './app.js';
import { bundleData, isBundle } from './data/bundle-data.js';
import { DataContext } from './data/context.js';
import { httpData } from './data/http-data.js';

const data = isBundle() ? bundleData() : httpData();
const root = document.getElementById('app');
if (root)
  render(
    <DataContext.Provider value={data}>
      <App />
    </DataContext.Provider>,
    root,
  );
